/* libFuzzer target for the ole2 reader of doc/ (OLE2 compound files: FAT, miniFAT, directory, VBA, BIFF).
 * Input: the file's bytes. */
#include <stdlib.h>

#include "doc_fuzz.h"

DOC_FUZZ_READER(ole2_is, ole2_inspect)
