// Loaded by vitest before each test file (setupFiles): temporary files go when the file is done.
import { afterAll } from 'vitest';
import { removeTempFiles } from './temp-files.js';

afterAll(() => removeTempFiles());
