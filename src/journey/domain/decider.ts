import { decide } from './decide';
import { evolve, initialState } from './state';

/**
 * The journey as a decider: a person's recorded events fold with `evolve` from `initialState` into the state that
 * `decide` judges a command by. The API and the import both write through it.
 */
export const journeyDecider = { decide, evolve, initialState } as const;
