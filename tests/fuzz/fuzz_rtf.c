/* libFuzzer target for the rtf reader of doc/ (RTF: objects, objdata hex, control words).
 * Input: the file's bytes. */
#include <stdlib.h>

#include "doc_fuzz.h"

DOC_FUZZ_READER(rtf_is, rtf_inspect)
