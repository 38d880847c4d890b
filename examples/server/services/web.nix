{
  services.caddy = {
    enable = true;
    email = "admin@example.org";
    virtualHosts."example.org" = {
      serverAliases = [ "www.example.org" ];
      extraConfig = ''
        encode gzip
        reverse_proxy 127.0.0.1:8080
      '';
    };
    virtualHosts."status.example.org".extraConfig = ''
      respond "ok"
    '';
  };
}
