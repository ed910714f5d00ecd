/* libFuzzer target for the archive reader of doc/ (archives through libarchive, members inspected recursively).
 * Input: the file's bytes. */
#include <stdlib.h>

#include "doc_fuzz.h"

DOC_FUZZ_READER(archive_is, archive_inspect)
