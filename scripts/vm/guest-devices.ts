/**
 * The "hardware" the VM offers its tests, as kernel modules and their
 * parameters. Kept in one place so guest programs and host tests agree.
 */

/** One gpio-mockup chip of 54 lines at base 512, like a Pi 0–4 on a 6.6+ kernel (HAL-TESTING.md). */
export const GPIO_MOCKUP = { base: 512, ngpio: 54, label: 'gpio-mockup-A' } as const;

/** i2c-stub answers at the address of the usual PCF8574 LCD backpack. */
export const I2C_STUB_ADDRESS = 0x27;

/** snd-aloop's card id: playback on hw:Loopback,0,N appears as capture on hw:Loopback,1,N. */
export const ALSA_LOOPBACK_CARD = 'Loopback';

/** The guest's second 8250 UART, wired to the host's unix socket when a run asks for it. */
export const GUEST_UART = '/dev/ttyS1';

export interface GuestModule {
  readonly name: string;
  readonly params?: readonly string[];
}

/** Modules the initramfs needs to mount the host's file systems over virtio-9p. */
export const BOOT_MODULES: readonly GuestModule[] = [{ name: 'virtio_pci' }, { name: '9pnet_virtio' }, { name: '9p' }];

/** Modules that make the simulated devices, loaded before the test command. */
export const DEVICE_MODULES: readonly GuestModule[] = [
  { name: 'i2c_dev' },
  { name: 'i2c_stub', params: [`chip_addr=0x${I2C_STUB_ADDRESS.toString(16)}`] },
  { name: 'snd_aloop' },
];

/** gpio-mockup comes from the rig's own build, so it is listed apart from Debian's modules. */
export const GPIO_MOCKUP_PARAMS: readonly string[] = [
  `gpio_mockup_ranges=${GPIO_MOCKUP.base},${GPIO_MOCKUP.base + GPIO_MOCKUP.ngpio}`,
  'gpio_mockup_named_lines=1',
];
