/**
 * Fences around the places where the phone's code is called back by
 * something else — a hal device's listeners, a timer, the call layer's events.
 * An exception thrown there would otherwise unwind into a GPIO interrupt, a
 * socket's message handler or the timer queue and end the process; here it is
 * handed to the part's supervisor instead (issue 7 point 8), and the device or
 * timer goes on working.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import type { CallControl } from '../phone/phone-ports.js';
import type { AudioDevice, Display, DisplayStatus, HookSwitch, Keypad, SerialConsole } from '../../hal/index.js';

export type Report = (err: unknown) => void;

/** `listener`, with its exceptions reported instead of thrown to whoever emitted the event. */
export function guardListener<A extends unknown[]>(listener: (...args: A) => void, report: Report): (...args: A) => void {
  return (...args) => {
    try {
      listener(...args);
    } catch (err) {
      report(err);
    }
  };
}

/** A Clock whose timer callbacks report their exceptions (the phone's screen and dial-plan timers). */
export function guardClock(clock: Clock, report: Report): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (callback: () => void, delayMs: number): TimerHandle => clock.setTimeout(guardListener(callback, report), delayMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}

export function guardKeypad(keypad: Keypad, report: Report): Keypad {
  return {
    onKey: (listener) => keypad.onKey(guardListener(listener, report)),
    held: () => keypad.held(),
    close: () => keypad.close(),
  };
}

export function guardHookSwitch(hook: HookSwitch, report: Report): HookSwitch {
  return {
    get state() {
      return hook.state;
    },
    onHook: (listener) => hook.onHook(guardListener(listener, report)),
    close: () => hook.close(),
  };
}

/** `target`, with the listeners given to its `methods` (each `onX(listener)`) fenced. */
function guardSubscriptions<T extends object>(target: T, methods: readonly string[], report: Report): T {
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (typeof prop === 'string' && methods.includes(prop)) return (listener: (...a: unknown[]) => void) => fn.call(t, guardListener(listener, report));
      return fn.bind(t);
    },
  });
}

/** The call layer as the phone hears it: an exception in the phone's handling of a call event stays out of the SIP stack. */
export function guardCallControl(calls: CallControl, report: Report): CallControl {
  return guardSubscriptions(calls, ['onEvent'], report);
}

/** The audio device as DeviceAudio uses it: an exception in the 20 ms frame handler is reported, not thrown into the driver. */
export function guardAudioDevice(device: AudioDevice, report: Report): AudioDevice {
  return guardSubscriptions(device, ['onFrame', 'onEvent'], report);
}

/**
 * The display as the phone draws on it. The phone fires its writes and does not
 * wait for them (a slow I2C bus must not hold the key handler), so a driver
 * that throws or rejects would surface as an unhandled rejection — the end of
 * a Node.js process. Each failure goes to the LCD's supervisor, and the write
 * resolves: the screen is redrawn whole when the LCD part restarts.
 */
export function guardDisplay(display: Display, report: Report): Display {
  const fenced =
    <A extends unknown[]>(op: (...args: A) => Promise<void>) =>
    (...args: A): Promise<void> => {
      try {
        return op(...args).catch((err: unknown) => {
          report(err);
        });
      } catch (err) {
        report(err);
        return Promise.resolve();
      }
    };
  return {
    get rows() {
      return display.rows;
    },
    get columns() {
      return display.columns;
    },
    get status(): DisplayStatus {
      return display.status;
    },
    write: fenced((row: number, column: number, text: string) => display.write(row, column, text)),
    writeLine: fenced((row: number, text: string) => display.writeLine(row, text)),
    clear: fenced(() => display.clear()),
    setBacklight: fenced((on: boolean) => display.setBacklight(on)),
    contents: () => display.contents(),
    onStatus: (listener) => display.onStatus(guardListener(listener, report)),
    close: () => display.close(),
  };
}

/** The serial console as the maintenance shell reads it: a command that throws is reported, the UART stays open. */
export function guardSerialConsole(serial: SerialConsole, report: Report): SerialConsole {
  return {
    get name() {
      return serial.name;
    },
    get isOpen() {
      return serial.isOpen;
    },
    open: () => serial.open(),
    close: () => serial.close(),
    onLine: (listener) => serial.onLine(guardListener(listener, report)),
    onEvent: (listener) => serial.onEvent(guardListener(listener, report)),
    write: (text) => serial.write(text),
    writeLine: (text) => serial.writeLine(text),
    setEcho: (mode) => serial.setEcho(mode),
  };
}
