/* libFuzzer target for the pdf reader of doc/ (PDF: names, objects, Flate streams).
 * Input: the file's bytes. */
#include <stdlib.h>

#include "doc_fuzz.h"

DOC_FUZZ_READER(pdf_is, pdf_inspect)
