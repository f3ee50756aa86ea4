/**
 * What each variant changes, for the model (model/vmm) and the storage manager (impl/) alike: the
 * one place a variant's behaviour is switched on. Every switch is off under `patent`; each
 * `fault-*` variant turns on exactly one, and `prior-art` swaps the relocation engine.
 */
import type { Variant } from './variants.ts';

/** Behaviour switches derived from a variant name. */
export interface VariantBehaviour {
  readonly variant: Variant;
  /** Relocate the prior-art way: suspend channel access, copy, set origin, resume old host programs. */
  readonly priorArt: boolean;
  /** Step 5085 moves pages that an in-flight transfer targets. */
  readonly moveTargetedPage: boolean;
  /** Steps 5035/5085 (and the end of a conversion) ignore programs started directly before 5000. */
  readonly forgetDirectIo: boolean;
  /** Steps 5090-5120 run in the order 431, origin/end, 432 (as the model's variant). */
  readonly directBeforeFixed: boolean;
  /** Overlapping areas: copy into a destination frame even if it still holds an unmoved page. */
  readonly overlapCopy: boolean;
  /** Steps 5020-5030 page out pinned pages. */
  readonly pageOutPinned: boolean;
  /** The page-fixed limit check lets one page past `end` through: pages of slack. */
  readonly limitSlackPages: number;
  /** Step 7010 takes storage offline without waiting for transfers into it. */
  readonly offlineUnderIo: boolean;
  /** Step 7050 leaves a newly dedicated CPU assigned to the VMs that had it before. */
  readonly dedicatedCpuShared: boolean;
  /**
   * A request or event that arrives while another reconfiguration runs starts at once, interleaved
   * with it, instead of waiting (or being refused): SPEC 7.13 broken.
   */
  readonly interleavedReconfiguration: boolean;
}

/** The behaviour switches of `variant`. */
export function behaviourOf(variant: Variant): VariantBehaviour {
  return {
    variant,
    priorArt: variant === 'prior-art',
    moveTargetedPage: variant === 'fault-move-targeted-page',
    forgetDirectIo: variant === 'fault-forget-direct-io',
    directBeforeFixed: variant === 'fault-direct-before-fixed',
    overlapCopy: variant === 'fault-overlap-copy',
    pageOutPinned: variant === 'fault-page-out-pinned',
    limitSlackPages: variant === 'fault-limit-off-by-one' ? 1 : 0,
    offlineUnderIo: variant === 'fault-offline-under-io',
    dedicatedCpuShared: variant === 'fault-dedicated-cpu-shared',
    interleavedReconfiguration: variant === 'fault-interleaved-reconfiguration',
  };
}
