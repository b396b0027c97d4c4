#!/usr/bin/env node
// Runs on the Node 24 pinned by the project (node_modules/.bin/node comes first on PATH under npm/npx).
import "../src/cli/jobctl.ts";
