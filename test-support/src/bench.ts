/**
 * The one output format of every `npm run bench:NAME`: a JSON array of rows on stdout.
 * `ratio` is value / baseline, both measured in the same run; `target` bounds the ratio when there
 * is one, else the value.
 */
export interface BenchRow {
  name: string;
  unit: string;
  value: number;
  baseline?: number;
  ratio?: number;
  target?: number;
}
