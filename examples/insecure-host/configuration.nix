{
  config,
  lib,
  pkgs,
  ...
}:
let
  overlaySrc = builtins.fetchTarball "https://github.com/example/overlay/archive/main.tar.gz";
in
{
  imports = [
    ./hardware-configuration.nix
    ./nix.nix
  ];

  nixpkgs.overlays = [ (import overlaySrc) ];
  nixpkgs.config.permittedInsecurePackages = [ "openssl-1.1.1w" ];

  environment.systemPackages = with pkgs; [
    git
    (import <nixpkgs-unstable> { }).htop
  ];

  system.autoUpgrade = {
    enable = true;
    flake = "github:example/infra";
    flags = [
      "--accept-flake-config"
      "--update-input"
      "nixpkgs"
    ];
  };

  system.stateVersion = "25.11";
}
