/* What a run's detection is told: one field (or struct) per detector that
 * needs settings, filled by the command line. Every detector's open()
 * (detect/detector.h) receives the whole of it. Type-only header. */
#ifndef VIGIL_DETECT_CONFIG_T_H
#define VIGIL_DETECT_CONFIG_T_H

#include <stdbool.h>

#include "detect/behavior-t.h"

struct devices_config;
struct doc_ctx;
struct dc_registry;

struct detect_config {
    bool behavior;                      /* run the behaviour detectors */
    struct behavior_config behavior_cfg;
    bool devices;                       /* the device inventory and device alerts (--devices) */
    const struct devices_config *devices_cfg; /* asset/config-t.h; borrowed; set when devices is */
    const char *protect_path;           /* --protect: the phishing detector runs (NULL: off) */
    /* The inspection context (weights, keywords, YARA) the phishing and
     * document detectors judge with; NULL: the shipped weights. */
    const struct doc_ctx *doc;
    bool documents;                     /* --inspect-files: Vigil::Malicious_Document alerts */
    /* The run's domain controllers (detect/domain_controllers.h), given
     * (--domain-controllers) and learned; shared, thread-safe; owned by the
     * caller. NULL: the lateral-movement detector keeps its own. */
    struct dc_registry *domain_controllers;
    /* --lateral-policy (alias --lateral-thresholds): the lateral-movement
     * detectors' operations and thresholds (NULL: data/lateral_movement.tsv);
     * they run with the behaviour detectors. */
    const char *lateral_policy_path;
    /* --short-thresholds: the short-capture detectors' thresholds (NULL:
     * data/short_capture.tsv); they run with the behaviour detectors. */
    const char *short_thresholds;
    /* Threat intel: drop matches outside an indicator's validity window
     * (--intel-strict-validity); after an indicator's first sighting from
     * a host, how long its further hits are only counted (--intel-suppress;
     * 0: every hit is reported). */
    bool intel_strict_validity;
    int64_t intel_suppress_us;
};

#endif
