/**
 * The variants vmcheck tells apart (SPEC section 8). Shared by model/ and impl/, so both build
 * the same behaviours under the same names.
 */
export const VARIANTS = [
  'patent',
  'prior-art',
  'fault-move-targeted-page',
  'fault-forget-direct-io',
  'fault-direct-before-fixed',
  'fault-overlap-copy',
  'fault-page-out-pinned',
  'fault-limit-off-by-one',
  'fault-offline-under-io',
  'fault-dedicated-cpu-shared',
  'fault-interleaved-reconfiguration',
] as const;

/** A variant name. */
export type Variant = (typeof VARIANTS)[number];

/** One line per variant, for `vmcheck list` and README. */
export const VARIANT_DESCRIPTIONS: Record<Variant, string> = {
  patent:
    "The patent's method (SPEC 5-6): relocate page by page, never a page an in-flight transfer targets.",
  'prior-art':
    'JP H03-211629 ([0005], [0012]): suspend channel access, copy the area, resume host channel programs with their old addresses.',
  'fault-move-targeted-page': 'Step 5085 moves a page even while an in-flight transfer targets it.',
  'fault-forget-direct-io': 'Step 5035/5085 forgets channel programs started directly before step 5000.',
  'fault-direct-before-fixed': 'Steps 5090-5120 set bit 431 before bit 432 and before origin/end.',
  'fault-overlap-copy':
    'With overlapping areas, a page is copied into a frame still holding an unmoved page.',
  'fault-page-out-pinned': 'Steps 5020-5030 page out a page that a host channel program has pinned.',
  'fault-limit-off-by-one': 'The page-fixed limit check lets an access one page past end through.',
  'fault-offline-under-io': 'Step 7010 takes storage offline while a transfer into it is in flight.',
  'fault-dedicated-cpu-shared': 'Step 7050 dedicates a CPU to one VM but leaves it assigned to another.',
  'fault-interleaved-reconfiguration':
    'A request or event that arrives while another relocation or resize runs starts at once, interleaved with it (7.13).',
};

/** True when `name` is a known variant. */
export function isVariant(name: string): name is Variant {
  return (VARIANTS as readonly string[]).includes(name);
}
