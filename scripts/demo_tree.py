"""Writes the demo tree `make demo` uploads: what a research group's container tends to hold."""
import csv
import json
import math
import os
import random
import sys

root = sys.argv[1]
rng = random.Random(2026)


def path(*parts):
    full = os.path.join(root, *parts)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


with open(path("README.txt"), "w") as f:
    f.write("Demo container for MountStore: weather observations, a notebook, logs and a large model output.\n")

stations = [("ST%03d" % i, round(rng.uniform(-60, 70), 3), round(rng.uniform(-180, 180), 3)) for i in range(40)]
with open(path("data", "weather", "stations.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["station", "latitude", "longitude"])
    w.writerows(stations)

with open(path("data", "weather", "2025-daily.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["date", "station", "temperature_c", "precipitation_mm"])
    for day in range(365):
        for station, lat, _ in stations:
            base = 25 - abs(lat) / 3 + 8 * math.sin(2 * math.pi * (day - 100) / 365)
            w.writerow([f"2025-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}", station, round(base + rng.gauss(0, 3), 1), max(0, round(rng.gauss(1, 4), 1))])

for month in range(1, 13):
    with open(path("data", "weather", "monthly", f"2025-{month:02d}.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["station", "mean_temperature_c"])
        for station, lat, _ in stations:
            w.writerow([station, round(25 - abs(lat) / 3 + 8 * math.sin(2 * math.pi * (month * 30 - 100) / 365), 1)])

notebook = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Weather stations\n", "Reads the CSV straight from the mounted folder."]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [
            "import csv\n",
            "rows = list(csv.DictReader(open('../data/weather/2025-daily.csv')))\n",
            "print(len(rows), 'observations')\n"]},
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
with open(path("notebooks", "explore.ipynb"), "w") as f:
    json.dump(notebook, f, indent=1)

with open(path("logs", "ingest.log"), "w") as f:
    for i in range(500):
        f.write(f"2025-06-{1 + i % 28:02d}T{i % 24:02d}:00:00Z ingest station=ST{i % 40:03d} rows={rng.randint(20, 30)}\n")

with open(path("large", "ocean-model.bin"), "wb") as f:
    chunk = rng.randbytes(1 << 20)
    for i in range(96):
        f.write(bytes([i]) + chunk[1:])
