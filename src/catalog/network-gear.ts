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

/** NVIDIA MMS4X00 800G twin-port module (2x400G) carrying one 800G NIC's two 400G lanes as one link. */
const osfp800TwinOneLink: Transceiver = {
  name: "osfp-800g-twin-port-2x400g",
  links: 1,
  watts: 17,
  priceUsd: 1250,
  sources: {
    watts: {
      ref: "NVIDIA MMS4X00-NS / MMS4X00-NM 800G twin-port OSFP specifications: 17 W; carries 2x400G, one ConnectX-8 Ethernet port pair (800 Gb/s as 2x400GbE)",
      kind: "vendor",
    },
    links: {
      ref: "ConnectX-8 SuperNIC, Hot Chips 2025 (Wccftech, 26 Aug 2025): 800 Gb/s InfiniBand XDR or 2x400G Ethernet; a public fabric model maps GB300 compute trays and SN5610 ports to MMS4X00-NM",
      kind: "paper",
    },
    priceUsd: { ref: "vendor-blog estimate: 800G OSFP DR8 $1,100-1,400 (LuxOptx)", kind: "estimate" },
  },
};

/** NVIDIA MMS4A00 1.6T twin-port module (2x800G XDR, 8 x 200G-PAM4) for Quantum-X800 switch cages. */
const osfp1600Twin: Transceiver = {
  name: "osfp-1.6t-twin-port",
  links: 2,
  watts: 25,
  priceUsd: 2500,
  sources: {
    watts: {
      ref: "FS OSFP-DR8-1.6T (NVIDIA MMS4A00 compatible, 2x800G DR4, targeted at Quantum-X800): 25 W (FS launch via Business Wire, 22 Dec 2025)",
      kind: "vendor",
      note: "read in a third-party supplier survey; NVIDIA's own MMS4A00 power figure not found",
    },
    priceUsd: {
      ref: "estimate: about twice an 800G module (no 1.6T transceiver list price found; FS lists 800G LPO DR8 at $1,749, 2026)",
      kind: "estimate",
    },
  },
};

/** The single-port 800G OSFP (DR4, 4 x 200G-PAM4) in a ConnectX-8 cage on InfiniBand XDR. */
const osfp800Single: Transceiver = {
  name: "osfp-800g-single-port",
  links: 1,
  watts: 15,
  priceUsd: 1300,
  sources: {
    watts: {
      ref: "estimate: between the 17 W of an 8-lane 800G twin-port and half of the 25 W 1.6T module; NVIDIA lists single-port 800G OSFP DR4 for ConnectX-8 cages (LinkX XDR 200G-PAM4 parts list) without a power figure in what was reached",
      kind: "estimate",
    },
    priceUsd: { ref: "estimate: as an 800G module, $1,100-1,400 (LuxOptx)", kind: "estimate" },
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
  {
    name: "infiniband-xdr",
    displayName: "NVIDIA Quantum-X800 InfiniBand XDR (Q3400, 144 x 800G), ConnectX-8",
    switch: {
      name: "quantum-x800-q3400",
      ports: 144,
      portGbps: 800,
      watts: 3500,
      priceUsd: 120000,
      latencySeconds: 130e-9,
      sources: {
        ports: {
          ref: "NVIDIA Quantum-X800 Q3400-RA: 144 ports of 800 Gb/s, 115.2 Tb/s (NCA-AIIO study guide 2.9, 2026; NVIDIA's Quantum-X800 platform description: up to 144 ports at 800 Gb/s)",
          kind: "vendor",
          note: "NVIDIA's LinkX XDR parts list: Q3400 and Q3200 cages take twin-port OSFP (2x800G) modules, so 72 cages",
        },
        watts: {
          ref: "estimate: Quantum-2's ~1.7 kW here scaled by switching capacity (115.2 / 51.2 Tb/s) with ~10% better energy per bit; system power not found in a public source",
          kind: "estimate",
        },
        priceUsd: {
          ref: "estimate: Quantum-2's ~$45k per 51.2 Tb/s scaled to 115.2 Tb/s, plus a new-generation premium; no price found",
          kind: "estimate",
        },
        latencySeconds: {
          ref: "estimate: as Quantum-2 (~130 ns); no Quantum-X800 port-to-port figure found",
          kind: "estimate",
        },
      },
    },
    switchTransceiver: osfp1600Twin,
    nicTransceiver: osfp800Single,
  },
  {
    name: "spectrum-x800",
    displayName: "NVIDIA Spectrum-X800 Ethernet (SN5600, 64 x 800G), ConnectX-8 at 800G",
    switch: {
      name: "spectrum-4-sn5600-800g",
      ports: 64,
      portGbps: 800,
      watts: 2600,
      priceUsd: 200000,
      latencySeconds: 800e-9,
      sources: {
        ports: {
          ref: "NVIDIA Spectrum SN5600: 64 x 800GbE, 51.2 Tb/s Spectrum-4, 2U; announced 18 March 2024 as part of the Spectrum-X800 platform (NVIDIA SN5000 series manual; probsee SN5600 page)",
          kind: "vendor",
        },
        watts: {
          ref: "estimate: as the 400G Spectrum-X entry (same SN5600): dual 3 kW PSUs, ~2.6 kW typical loaded",
          kind: "estimate",
        },
        priceUsd: {
          ref: "vendor-blog estimate: 64-port 800G switches $150-250k (LuxOptx)",
          kind: "estimate",
        },
        latencySeconds: {
          ref: "estimate: sub-microsecond cut-through latency of 51.2 Tb/s Ethernet switches",
          kind: "estimate",
        },
      },
    },
    switchTransceiver: osfp800TwinOneLink,
    nicTransceiver: osfp800TwinOneLink,
  },
];
