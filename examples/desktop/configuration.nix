{ pkgs, ... }:
{
  # A desktop-heavy configuration: most of it has no place in a server image.
  boot.loader.systemd-boot.enable = true;
  networking.networkmanager.enable = true;

  services.xserver.enable = true;
  services.displayManager.gdm.enable = true;
  services.desktopManager.gnome.enable = true;
  services.pipewire = {
    enable = true;
    pulse.enable = true;
  };
  services.printing.enable = true;
  hardware.bluetooth.enable = true;

  users.users.alice = {
    isNormalUser = true;
    extraGroups = [
      "wheel"
      "networkmanager"
    ];
    packages = with pkgs; [
      firefox
      thunderbird
      libreoffice
      vlc
      gimp
      spotify
    ];
  };

  environment.systemPackages = with pkgs; [
    git
    vim
    wget
    gnome-tweaks
    vscode
    steam
    nixfmt-rfc-style
    home-manager
    (python3.withPackages (ps: [
      ps.requests
      ps.numpy
    ]))
  ];

  system.stateVersion = "25.11";
}
