#!/bin/sh
# run.sh BUILD_DIR SOURCE_DIR CASE...: the build enforces the layers of
# docs/architecture.md.  Each CASE is NAME:HEADER:allowed or
# NAME:HEADER:forbidden for a layers-NAME target of tests/CMakeLists.txt
# (tests/layers/include.c including HEADER with one room's include path).  An allowed case must compile; a forbidden one must fail
# with the compiler saying it cannot find that header (any other failure
# is a broken test, not a kept rule).  Then no source file may reach
# around the rooms with a relative include ("../").
set -u
build=$1 src=$2
shift 2
failed=0
for case in "$@"; do
  name=${case%%:*} rest=${case#*:}
  header=${rest%%:*} expect=${rest#*:}
  out=$(cmake --build "$build" --target "layers-$name" 2>&1)
  rc=$?
  if [ "$expect" = allowed ]; then
    if [ $rc -ne 0 ]; then
      echo "FAIL $name: $header should compile:"; echo "$out" | tail -5
      failed=$((failed + 1))
    else
      echo "ok   $name: sees $header"
    fi
  elif [ $rc -eq 0 ]; then
    echo "FAIL $name: compiled, but $header belongs to a room above it"
    failed=$((failed + 1))
  elif echo "$out" | grep -q "$header: No such file"; then
    echo "ok   $name: cannot include $header"
  else
    echo "FAIL $name: failed for another reason:"; echo "$out" | tail -5
    failed=$((failed + 1))
  fi
done
rooms="core conf sim drivers results run plan sweep swarm service cli"
relative=$(cd "$src" && grep -rnE '#include[[:space:]]*"\.\./' $rooms)
if [ -n "$relative" ]; then
  echo "FAIL relative includes reach around the rooms:"; echo "$relative"
  failed=$((failed + 1))
fi

# only WHAT PATTERN FOLDER...: system headers matching PATTERN are included
# only by files under the FOLDERs (the backend libraries stay where
# docs/architecture.md puts them; the build cannot see system headers).
only() {
  what=$1 pattern=$2
  shift 2
  keep=$(printf '%s/\n' "$@" | sed 's/^/^/' | paste -sd'|' -)
  bad=$(cd "$src" && grep -rnE "#include[[:space:]]*<($pattern)" $rooms \
        | grep -vE "$keep")
  if [ -n "$bad" ]; then
    echo "FAIL $what outside $*:"; echo "$bad"
    failed=$((failed + 1))
  else
    echo "ok   $what only in $*"
  fi
}
only "libvirt and sanlock" 'libvirt/|sanlock' drivers/virt
only "SQLite" 'sqlite3' results service
only "GSL" 'gsl/' sim drivers/virt run sweep swarm
only "libsoup" 'libsoup/' cli service
only "libcrypt" 'crypt\.h' service
[ $failed -eq 0 ] && echo "layers: all $# build cases and the header checks passed" || echo "layers: $failed failed"
[ $failed -eq 0 ]
