/**
 * Time of day for time-triggered events (claim 4). Injectable, so tests and model-based runs
 * decide when "22:00" happens.
 */
import { InvalidRequestError } from './errors.ts';

/** Minutes since midnight, 0..1439. */
export interface Clock {
  minutesOfDay(): number;
}

/** The host's local wall clock. */
export const systemClock: Clock = {
  minutesOfDay() {
    const now = new Date();
    return now.getHours() * 60 + now.getMinutes();
  },
};

/** Parse `HH:MM` into minutes since midnight. */
export function parseTimeOfDay(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null)
    throw new InvalidRequestError(`time of day ${JSON.stringify(text)} is not HH:MM`, { text });
  return Number(match[1]) * 60 + Number(match[2]);
}

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  private minutes: number;
  constructor(start = '00:00') {
    this.minutes = parseTimeOfDay(start);
  }
  minutesOfDay(): number {
    return this.minutes;
  }
  /** Set the time to `HH:MM`. */
  set(time: string): void {
    this.minutes = parseTimeOfDay(time);
  }
  /** Move the time forward by `minutes`, wrapping at midnight. */
  advance(minutes: number): void {
    this.minutes = (((this.minutes + minutes) % 1440) + 1440) % 1440;
  }
}
