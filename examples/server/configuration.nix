{ pkgs, lib, ... }:
{
  imports = [
    ./services/database.nix
    ./services/web.nix
  ];

  networking.hostName = "server";
  networking.firewall = {
    enable = true;
    allowedTCPPorts = [
      22
      80
      443
    ];
    allowedUDPPorts = [ 443 ];
  };

  services.openssh = {
    enable = true;
    ports = [ 22 ];
    settings = {
      PermitRootLogin = "no";
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      AllowUsers = [ "deploy" ];
    };
    extraConfig = ''
      Match User deploy
        AllowTcpForwarding no
    '';
  };

  users.users.deploy = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    openssh.authorizedKeys.keys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBr8ZkJwWAKq0y1Fq3H6h2d0KJ7bYv2Jp8n3t4q5r6s7 deploy@laptop"
    ];
  };

  environment.systemPackages =
    with pkgs;
    [
      curl
      git
      htop
      jq
      tmux
      vim
      openssl
      rsync
    ]
    ++ lib.optionals true [ pkgs.ripgrep ];

  system.stateVersion = "25.11";
}
