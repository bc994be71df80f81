import * as strtok3 from 'strtok3';
import type { ITokenizer, ITokenizerOptions } from 'strtok3';

/**
 * strtok3's file tokenizer. It lives in the package's Node entry (the "node" export condition),
 * which TypeScript's Bundler resolution does not see; at run time in Node it is there. Undefined
 * elsewhere: callers then read into memory or give up.
 */
export const fromFile = (
  strtok3 as unknown as {
    fromFile?: (
      p: string,
      o: ITokenizerOptions & { regularFileOnly?: boolean },
    ) => Promise<ITokenizer>;
  }
).fromFile;
