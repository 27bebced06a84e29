"""Parses a metrics file with prometheus_client's text-format parser and checks given samples.

    python3 jobs/lib/check_metrics.py FILE [NAME=VALUE ...]

Exits 1 with a message when the file does not parse, a metric lacks its TYPE, or a sample differs.
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    path, expectations = sys.argv[1], sys.argv[2:]
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    samples = {}
    for family in text_string_to_metric_families(text):
        if family.type != "gauge":
            print(f"check_metrics: {family.name} is {family.type}, expected gauge", file=sys.stderr)
            return 1
        for sample in family.samples:
            if not sample.labels:
                samples[sample.name] = sample.value
    for expectation in expectations:
        name, value = expectation.split("=")
        if samples.get(name) != float(value):
            print(f"check_metrics: {name} is {samples.get(name)}, expected {value}", file=sys.stderr)
            return 1
    print(f"check_metrics: {len(samples)} unlabelled samples parsed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
