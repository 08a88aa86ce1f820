#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: the real SIP peers for the
# interop tests (LAB.md), the ALSA and serial tools for the hardware-layer tests
# (HAL-TESTING.md) and the QEMU rig's host packages (scripts/vm/debian-packages.txt).
# Debian 12 / Ubuntu; run as root (or it uses sudo). Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
  sip-tester kamailio kamailio-tls-modules baresip-core   # SIP peers: sipp, Kamailio (+TLS), baresip
  sox libsox-fmt-all                                      # making and measuring test audio
  libasound2-dev alsa-utils                               # alsa-capture's headers, aplay/amixer
  socat                                                   # pseudo-terminal pairs for the serial console
  openssl                                                 # test certificates for SIP over TLS
  tshark sipsak iproute2 nftables                         # captures, probes, network namespaces
  chromium                                                # browser tests of the front panel and admin pages
)
if [[ -f "$here/vm/debian-packages.txt" ]]; then
  while read -r pkg; do
    [[ -n "$pkg" && "$pkg" != \#* ]] && packages+=("$pkg")
  done < "$here/vm/debian-packages.txt"
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-test-packages: ${#packages[@]} packages present"
