"""Benchmarks: generate a firm at scale and measure against raw baselines.

Speed is measured here, never in timed tests. Each suite reports latencies
and throughputs as ratios against a raw baseline (the SQL query or tool that
returns the same result) measured in the same run, on the same machine.
"""
