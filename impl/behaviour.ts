/** The variant switches, defined once in scenario/behaviour.ts and shared with the model. */
export { behaviourOf, type VariantBehaviour } from '../scenario/behaviour.ts';
