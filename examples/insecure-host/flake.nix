{
  description = "Example NixOS host with common supply-chain risks (nixharden demo)";

  # Flake-level settings are offered to every user who builds this flake.
  nixConfig = {
    extra-substituters = [ "https://example-cache.cachix.org" ];
    extra-trusted-public-keys = [
      "example-cache.cachix.org-1:2tKMnMzzN2bbWvB8ZRmGKN1RfBWm+kuQqpQYSjNKUtc="
    ];
  };

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
    home-manager = {
      url = "github:nix-community/home-manager/release-25.11";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    dotfiles = {
      url = "git+http://git.example.org/dotfiles.git";
      flake = false;
    };
  };

  outputs =
    {
      self,
      nixpkgs,
      home-manager,
      ...
    }:
    {
      nixosConfigurations.builder = nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [
          ./configuration.nix
          home-manager.nixosModules.home-manager
        ];
      };
    };
}
