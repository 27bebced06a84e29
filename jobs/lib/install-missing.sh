# Sourced by the jobs scripts: install_missing WHO EXIT_CODE PACKAGE... installs the Debian packages named
# (when any) with apt-get as root; otherwise prints the command to run, as WHO, and exits EXIT_CODE.
install_missing() {
  local who=$1 code=$2
  shift 2
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ]; then
    echo "$who: installing $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "$@" >&2
  else
    echo "$who: missing $*; run: sudo apt-get install $*" >&2
    exit "$code"
  fi
}
