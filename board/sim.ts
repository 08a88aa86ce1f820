import { defineBoard } from './definition.js';

/** The simulated phone `npm start` runs: every device is driven from the web's virtual front panel or from tests. */
export default defineBoard({
  name: 'sim',
  description: 'simulated desk phone: virtual front panel, simulated audio and console',
  keypad: { driver: 'sim' },
  hookSwitch: { driver: 'sim' },
  display: { driver: 'sim', rows: 4, columns: 20 },
  leds: {
    message: { driver: 'sim' },
    line: { driver: 'sim' },
    speaker: { driver: 'sim' },
    mute: { driver: 'sim' },
    headset: { driver: 'sim' },
  },
  ringer: { driver: 'sim' },
  // Paced audio from a WAV file (silence without one) so calls carry real RTP; `--audio-in/--audio-out` name the files.
  audio: { driver: 'file' },
  serial: { driver: 'sim' },
});
