import type { Source } from "./source.ts";

export interface SwitchModel {
  readonly name: string;
  readonly ports: number;
  readonly portGbps: number;
  readonly watts: number;
  readonly priceUsd: number;
  /** Port-to-port latency. */
  readonly latencySeconds: number;
  readonly sources: Readonly<Record<string, Source>>;
}

export interface Transceiver {
  readonly name: string;
  /** Links one module carries (2 for a twin-port 800G OSFP). */
  readonly links: number;
  readonly watts: number;
  readonly priceUsd: number;
  readonly sources: Readonly<Record<string, Source>>;
}

/** A scale-out network family: its switch, the modules in switch cages, and the module at each NIC. */
export interface NetworkGear {
  readonly name: string;
  readonly displayName: string;
  readonly switch: SwitchModel;
  readonly switchTransceiver: Transceiver;
  readonly nicTransceiver: Transceiver;
}

const osfp800Twin: Transceiver = {
  name: "osfp-800g-twin-port",
  links: 2,
  watts: 17,
  priceUsd: 1250,
  sources: {
    watts: { ref: "NVIDIA MMS4X00-NS / MMA4Z00-NS 800G twin-port OSFP specifications: 17 W", kind: "vendor" },
    priceUsd: { ref: "vendor-blog estimate: 800G OSFP DR8 $1,100-1,400 (LuxOptx)", kind: "estimate" },
  },
};

const osfp400: Transceiver = {
  name: "osfp-400g",
  links: 1,
  watts: 9,
  priceUsd: 700,
  sources: {
    watts: { ref: "NVIDIA MMS4X00-NS400 400G OSFP DR4 specification: 9 W", kind: "vendor" },
    priceUsd: { ref: "vendor-blog estimate: 400G modules $600-800 (LuxOptx)", kind: "estimate" },
  },
};

export const NETWORK_GEAR: readonly NetworkGear[] = [
  {
    name: "infiniband-ndr",
    displayName: "NVIDIA Quantum-2 InfiniBand NDR (QM9700, 64 x 400G)",
    switch: {
      name: "quantum-2-qm9700",
      ports: 64,
      portGbps: 400,
      watts: 1720,
      priceUsd: 45000,
      latencySeconds: 130e-9,
      sources: {
        latencySeconds: {
          ref: "NVIDIA Quantum-2 InfiniBand platform brief: ~130 ns port-to-port",
          kind: "vendor",
        },
        ports: {
          ref: "NVIDIA QM97XX user manual: 64 x 400G NDR over 32 twin-port OSFP cages",
          kind: "vendor",
        },
        watts: {
          ref: "estimate: 1U 51.2 Tb/s switch, ~1.7 kW with its fans (system power not published in the manual)",
          kind: "estimate",
        },
        priceUsd: {
          ref: "public AI-cluster cost model (Aug 2024): ~$36k (third-party) to ~$50k (NVIDIA)",
          kind: "estimate",
        },
      },
    },
    switchTransceiver: osfp800Twin,
    nicTransceiver: osfp400,
  },
  {
    name: "spectrum-x",
    displayName: "NVIDIA Spectrum-X Ethernet (SN5600, 64 x 800G as 128 x 400G)",
    switch: {
      name: "spectrum-4-sn5600",
      ports: 64,
      portGbps: 800,
      watts: 2600,
      priceUsd: 200000,
      latencySeconds: 800e-9,
      sources: {
        latencySeconds: {
          ref: "estimate: sub-microsecond cut-through latency of 51.2 Tb/s Ethernet switches",
          kind: "estimate",
        },
        ports: { ref: "NVIDIA SN5000 series manual: 64 x 800GbE or 128 x 400GbE, 2U", kind: "vendor" },
        watts: {
          ref: "estimate: dual 3 kW PSUs, 64 x 18 W optics budget; ~2.6 kW typical loaded",
          kind: "estimate",
        },
        priceUsd: {
          ref: "vendor-blog estimate: 64-port 800G switches $150-250k (LuxOptx)",
          kind: "estimate",
        },
      },
    },
    switchTransceiver: osfp800Twin,
    nicTransceiver: osfp400,
  },
];
