"""Parses a metrics exposition from stdin with the Prometheus project's own Python parser.

Usage: parse_metrics.py prometheus|openmetrics < exposition
Prints every sample as one JSON array; a malformed exposition raises (exit status 1, traceback on stderr).
The OpenMetrics parser is the strict one the OpenMetrics test suite is checked against.
"""
import json
import sys

if sys.argv[1] == "openmetrics":
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value})
json.dump(samples, sys.stdout)
