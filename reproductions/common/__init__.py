"""What every reproduction shares: distributed setup, seeding, the training loop, results files and
the parity harness. Each submodule owns one of these; import from the submodules directly.

Data fetching and checksums live in `reproductions.common.data` (owned separately).
"""
