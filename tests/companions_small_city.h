#pragma once

// The small city the companion tests share (tests/companions_cli_test.cc against the binary,
// src/cli/companion_runs_api_test.cc through a companion run): case 13800000001 has 13900000002
// as a companion (two co-stays), case 13600000004 has 13500000006.

namespace lifeline::testing {

// A small city; T = 2021-12-20T08:00:00Z = 1639987200. Towers T1 and T2 lie in grid cell (0, 0),
// T3 in (0, 6), T4 in (6, 0) (origin: the minimum latitude and longitude).
constexpr const char* kCells =
    "cell_id,lat,lon\n"
    "T1,30.0000,114.0000\n"
    "T2,30.0010,114.0010\n"
    "T3,30.0500,114.0000\n"
    "T4,30.0000,114.0500\n";

// Case 13800000001 stays in (0, 0) from T-40h to T-1h (39 h, over 30 h). 13900000002 stays there
// three times: 1800 s and 2400 s (companion) and exactly 600 s (not enough); one of its times has
// an offset. 13900000003 overlaps the case by only 500 s. Case 13600000004 stays 32.5 h in
// (6, 0), where 13500000006 stays one hour. Lines 18-20 are bad.
constexpr const char* kRecords =
    "phone,cell_id,time\n"
    "13800000001,T1,1639843200\n"
    "13800000001,T2,2021-12-20T06:00:00Z\n"
    "13800000001,T3,1639983600\n"
    "13900000002,T1,1639951200\n"
    "13900000002,T4,1639953000\n"
    "13900000002,T2,1639969200\n"
    "13900000002,T4,1639969800\n"
    "13900000002,T1,2021-12-20T13:00:00+08:00\n"
    "13900000002,T3,1639978800\n"
    "13900000003,T1,1639915200\n"
    "13900000003,T3,1639915700\n"
    "13600000004,T4,1639843200\n"
    "13600000004,T4,1639958400\n"
    "13600000004,T1,1639960200\n"
    "13500000006,T4,1639915200\n"
    "13500000006,T1,1639918800\n"
    "13900000002,T9,1639950000\n"
    "13900000003,T1,yesterday\n"
    "13900000003,T1\n";

}  // namespace lifeline::testing
