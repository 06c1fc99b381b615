//! Entry point: on Cortex-M (QEMU mps2-an386) it reports over semihosting and exits
//! QEMU with the demo's status; on a host it prints and exits likewise.

#![cfg_attr(target_os = "none", no_std, no_main)]

use qemu_mps2_board::{device, ram_model, run_demo};

const FRAMES: u32 = 10;

#[cfg(target_os = "none")]
mod firmware {
    use cortex_m_rt::entry;
    use cortex_m_semihosting::{debug, hprintln};

    #[entry]
    fn main() -> ! {
        let ok = super::report();
        debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
        loop {}
    }

    pub fn print(line: core::fmt::Arguments<'_>) {
        hprintln!("{}", line);
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        hprintln!("panic: {}", info);
        debug::exit(debug::EXIT_FAILURE);
        loop {}
    }
}

#[cfg(target_os = "none")]
use firmware::print;

#[cfg(not(target_os = "none"))]
fn print(line: core::fmt::Arguments<'_>) {
    println!("{line}");
}

fn report() -> bool {
    let ram = ram_model();
    print(format_args!(
        "footprint: device {} B = {} B fixed + 2 files x ({} B + 2 x 4 x {} B per buffer slot + 2 x {} B per event)",
        ram.device, ram.fixed, ram.per_file, ram.per_buffer, ram.per_event
    ));
    let Some(dev) = device() else {
        print(format_args!("invert demo failed: the device was already taken"));
        return false;
    };
    match run_demo(dev, FRAMES) {
        Ok(r) => {
            print(format_args!(
                "invert demo: {} of {} frames correct, checksum {:#010x}, drain {}",
                r.frames,
                FRAMES,
                r.checksum,
                if r.drained { "LAST+EPIPE" } else { "INCOMPLETE" }
            ));
            r.frames == FRAMES && r.drained
        }
        Err(errno) => {
            print(format_args!("invert demo failed: errno {}", errno.code()));
            false
        }
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    std::process::exit(if report() { 0 } else { 1 });
}
