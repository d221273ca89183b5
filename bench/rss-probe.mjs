// Preloaded into the measured command (node --import): reports its peak RSS when it exits.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nRSS_PROBE ${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
