/* libFuzzer target for the ooxml reader of doc/ (OOXML packages: relationships, VBA projects, embeddings).
 * Input: the file's bytes. */
#include <stdlib.h>

#include "doc_fuzz.h"

DOC_FUZZ_READER(ooxml_is, ooxml_inspect)
