/* include.c: one translation unit that includes HERD_LAYERS_HEADER, compiled
 * with the include path of one room's library (tests/CMakeLists.txt, the
 * layers-* targets).  tests/layers/run.sh expects it to compile when the
 * room may use that header and to fail, naming the header, when the header
 * belongs to a room above it. */
#include HERD_LAYERS_HEADER

int herd_layers_probe;
