/**
 * The VM control block [430-i]: the fields the hardware and the VMM consult on every guest
 * start-I/O and storage access (SPEC section 2).
 */

/** Control block of one VM. Frames are frame numbers, not byte addresses. */
export class VmControlBlock {
  constructor(
    /** Direct-execution bit [431]: 1, the guest's start-I/O runs directly on the channel. */
    public direct: boolean,
    /** Page-fixed bit [432]: 1, page-fixed VM; 0, pageable VM. */
    public pageFixed: boolean,
    /** Origin [433]: first frame of the page-fixed area, or null for a pageable VM. */
    public origin: number | null,
    /** End [434]: last frame (inclusive) of the page-fixed area, or null for a pageable VM. */
    public end: number | null,
    /** Host ST address [435]: the host segment table of a pageable VM, or null. */
    public hostSt: number | null,
  ) {}
}
