#!/usr/bin/env node
// Entry of the headless daemon; the code lives in dist/cli.js (built by `npm install`).
import '../dist/cli.js';
