{ lib, ... }:
{
  nix = {
    settings = {
      substituters = [
        "https://cache.nixos.org"
        "http://nix-cache.internal.example:8080?trusted=1"
      ];
      trusted-public-keys = [
        "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY="
        "nix-cache.internal.example-1:Yb0w6l3cDHTmCY1mBqTz6H5VLo6hX0Kp8T1g2G3kYvw="
      ];
      trusted-users = [
        "root"
        "@wheel"
      ];
      sandbox = lib.mkForce "relaxed";
    };
    extraOptions = ''
      require-sigs = false
      accept-flake-config = true
      access-tokens = github.com=ghp_exampleexampleexampleexample0000
    '';
  };
}
