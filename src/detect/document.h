/* detect/document: files seen on the wire whose content inspection
 * (--inspect-files, files/ + doc/) says malicious become
 * Vigil::Malicious_Document alerts (detect/detector.h). */
#ifndef VIGIL_DETECT_DOCUMENT_H
#define VIGIL_DETECT_DOCUMENT_H

#include "detect/detector.h"

extern const struct detector document_detector;

#endif
