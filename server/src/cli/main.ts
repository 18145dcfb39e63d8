// Entry point of the `immutable-infra` CLI (being written).
process.stderr.write('immutable-infra: not built yet\n');
process.exitCode = 2;
