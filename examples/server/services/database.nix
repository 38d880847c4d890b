{ pkgs, ... }:
{
  services.postgresql = {
    enable = true;
    package = pkgs.postgresql_16;
    enableTCPIP = true;
    settings = {
      port = 5432;
      max_connections = 200;
      shared_buffers = "512MB";
      log_connections = true;
      shared_preload_libraries = [ "pg_stat_statements" ];
    };
    authentication = ''
      host app app 10.0.0.0/24 scram-sha-256
    '';
    ensureDatabases = [ "app" ];
  };

  services.redis.servers.cache = {
    enable = true;
    port = 6379;
    bind = "0.0.0.0";
    requirePassFile = "/run/secrets/redis";
    settings = {
      maxmemory = "256mb";
      maxmemory-policy = "allkeys-lru";
    };
  };
}
