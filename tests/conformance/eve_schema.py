"""Suricata's EVE JSON schema (suricata-eve-schema/schema.json of the shared
corpus), shared by run.py's eve-schema suite and corpus_eve.py."""
import json
from pathlib import Path

# Event types Suricata does not have (the device inventory, incidents): the
# schema is closed, so their own object is left out and the rest of the
# line (timestamp, addresses, event_type...) validated.
VIGIL_EVENT_TYPES = ("asset", "incident")


def load_validator(corpus):
    """(validator, None), or (None, why) when it cannot be had."""
    schema_path = Path(corpus) / "suricata-eve-schema" / "schema.json"
    try:
        import jsonschema
    except ImportError:
        return None, "python3-jsonschema not installed"
    if not schema_path.is_file():
        return None, f"{schema_path} not found"
    schema = json.loads(schema_path.read_text())
    return jsonschema.validators.validator_for(schema)(schema), None


def eve_errors(validator, eve_path, label):
    """(lines read, [one line per schema error]) of one eve.json; Vigil's
    own event types are validated without their own object."""
    lines, failures = 0, []
    with open(eve_path, "rb") as f:
        for number, raw in enumerate(f, 1):
            lines += 1
            try:
                event = json.loads(raw)
            except ValueError as err:
                failures.append(f"{label}:{number}: not JSON ({err})")
                continue
            if isinstance(event, dict) and event.get("event_type") in VIGIL_EVENT_TYPES:
                event = {k: v for k, v in event.items() if k != event["event_type"]}
            for error in validator.iter_errors(event):
                where = "/".join(str(p) for p in error.absolute_path) or "(top)"
                failures.append(f"{label}:{number}: {event.get('event_type')} "
                                f"{where}: {error.message[:160]}")
    return lines, failures
