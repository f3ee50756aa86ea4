/**
 * vmcheck's concrete storage manager: a host with main storage, a VMM that relocates and resizes
 * guest storage while the guests' channels keep writing into it (JP H06-110715), and the prior
 * art and seeded faults it is compared with. Never imports model/ or properties/.
 */
export { behaviourOf, type VariantBehaviour } from './behaviour.ts';
export type { ChannelProgram, IoCompletion, IoMode, IoStatus, Transfer } from './channel.ts';
export { type Clock, ManualClock, parseTimeOfDay, systemClock } from './clock.ts';
export type { CpuSnapshot } from './cpus.ts';
export { SimulatedDevice } from './device.ts';
export {
  AddressingException,
  type AddressingReason,
  ChannelBusyError,
  DoesNotFitError,
  type ErrorDetails,
  InvalidRequestError,
  MachineError,
  type MachineErrorCode,
  NotDispatchedError,
  OutOfFramesError,
  ReconfigurationInProgressError,
  UnknownChannelError,
  UnknownEventError,
  UnknownVmError,
  VmStateError,
} from './errors.ts';
export { programFromIoSpec } from './fromScenario.ts';
export {
  type ChannelProgramInput,
  createMachine,
  createMachineFromFile,
  type EventTrigger,
  type IoHandle,
  Machine,
  type MachineOptions,
} from './machine.ts';
export type {
  Reconfiguration,
  ReconfigurationKind,
  ReconfigurationResult,
  ReconfigurationSnapshot,
  ReconfigurationStatus,
  RunOptions,
  StepReport,
  StepResult,
} from './reconfiguration.ts';
export type { ConfigurationTable, Resize, ResizeTrigger } from './resize.ts';
export {
  type ChannelScheduler,
  type ChannelUnitReport,
  type ChannelWork,
  EventLoopScheduler,
  type EventLoopSchedulerOptions,
  ManualScheduler,
} from './scheduler.ts';
export type {
  ChannelSnapshot,
  ControlBlockSnapshot,
  FrameSnapshot,
  MachineSnapshot,
  PieceSnapshot,
  ProgramSnapshot,
  VmSnapshot,
} from './snapshot.ts';
