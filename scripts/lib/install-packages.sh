# Sourced by the install scripts: install_missing_packages [APT-OPTION...] -- PACKAGE...
# installs the Debian packages that are not installed yet, running apt-get update only then,
# so a machine that has everything does nothing (and needs no network). Root only.
install_missing_packages() {
  local options=() missing=() p
  while (($#)) && [[ $1 != -- ]]; do options+=("$1"); shift; done
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${options[@]}" "${missing[@]}" >/dev/null
}
