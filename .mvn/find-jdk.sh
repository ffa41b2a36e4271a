# shellcheck shell=sh
# Finding a JDK 25 or newer, shared by ./neghash and ./mvnw (both source this file; POSIX sh).
#
#   neghash_java_ok JAVA   true when the java command JAVA is version 25 or newer
#   neghash_jdk_ok DIR     true when DIR/bin/java is version 25 or newer
#   neghash_find_jdk       prints the home of the first JDK 25+ among: $NEGHASH_JAVA_HOME,
#                          $JAVA_HOME, $NEGHASH_JVM_DIR/*25* (default /usr/lib/jvm), any other
#                          JDK 25+ there, /opt/java/openjdk, the `java` on PATH; fails when none is

neghash_java_ok() {
  _nh_major="$("$1" -version 2>&1 | sed -n 's/^.* version "\([0-9][0-9]*\).*$/\1/p' | head -n 1)"
  [ -n "$_nh_major" ] && [ "$_nh_major" -ge 25 ]
}

neghash_jdk_ok() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && neghash_java_ok "$1/bin/java"
}

neghash_find_jdk() {
  # The callers may run with globbing off (mvnw: set -f); the directory scan needs it.
  case $- in *f*) _nh_noglob=1 ;; *) _nh_noglob= ;; esac
  set +f
  _nh_dir="${NEGHASH_JVM_DIR:-/usr/lib/jvm}"
  _nh_found=
  for _nh_c in "${NEGHASH_JAVA_HOME:-}" "${JAVA_HOME:-}" "$_nh_dir"/*25* "$_nh_dir"/* /opt/java/openjdk; do
    if neghash_jdk_ok "$_nh_c"; then
      _nh_found="$_nh_c"
      break
    fi
  done
  if [ -z "$_nh_found" ] && command -v java >/dev/null 2>&1 && neghash_java_ok java; then
    _nh_found="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  fi
  [ -z "$_nh_noglob" ] || set -f
  [ -n "$_nh_found" ] || return 1
  printf '%s\n' "$_nh_found"
}
