import { expect, it } from 'vitest';
import { createMachineFromFile } from './index.ts';
import { scenarioPath } from './testSupport.ts';

it('should behave as the usage example in README.md (The storage manager) says', async () => {
  const machine = createMachineFromFile(scenarioPath('fig1-failover'), { variant: 'patent' });
  machine.write('VM-2', 0, new TextEncoder().encode('hello'));
  machine.device(0).write(0, new Uint8Array(4096).fill(0x5a));
  const io = machine.startIo('VM-2', 0, [{ op: 'write', address: 4096, length: 4096 }]);
  const relocation = machine.relocate('VM-2', 3);
  expect(relocation.step().report).toEqual({ vm: 'VM-2', action: 'reloc.clearDirect', spec: '5000' });
  expect(await relocation.run()).toMatchObject({ status: 'done', kind: 'relocate' });
  expect(await io.done).toMatchObject({ status: 'ok', mode: 'direct', bytesTransferred: 4096 });
  const resize = machine.signalEvent({ kind: 'failover', partner: 'CPC-B' });
  expect(await resize.run()).toMatchObject({ kind: 'resize', status: 'done', steps: 13 });
  expect(new TextDecoder().decode(machine.read('VM-2', 0, 5))).toBe('hello');
  expect(machine.controlBlock('VM-2')).toMatchObject({ origin: 5, end: 5 });
  expect(machine.vm('VM-1')).toMatchObject({ size: 3, pageTable: [1, 2, 3] });
  expect(machine.snapshot().cpus[0]).toMatchObject({ assigned: ['VM-1'], dedicatedTo: 'VM-1' });
});
