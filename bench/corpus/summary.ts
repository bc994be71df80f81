import type { PlanTotals } from './plan';

/** What `.bench-corpus.json` holds; bench/run.ts reads it to know how many tracks to wait for. */
export interface CorpusSummary extends PlanTotals {
  seed: number;
  files: number;
  bytes: number;
  /** Big WAVs for throughput runs; `title` is the published title to find them by. */
  large: { rel: string; title: string; bytes: number }[];
  seconds: number;
}

/** Name of the summary file inside the corpus folder (a dot file, so the daemon never shares it). */
export const SUMMARY_FILE = '.bench-corpus.json';
