#pragma once

#include "http/api.h"
#include "http/server.h"

namespace lifeline {

// Each module's endpoints, added to the one route table. A route file parses input, checks
// nothing the router already checks, calls one service and renders JSON: no SQL, no rules.
void AddSystemRoutes(Router& router, Services& services);
void AddAccountRoutes(Router& router, Services& services);
void AddAuditRoutes(Router& router, Services& services);
void AddCityRoutes(Router& router, Services& services);
void AddClinicRoutes(Router& router, Services& services);
void AddBedsRoutes(Router& router, Services& services);
void AddVentilatorRoutes(Router& router, Services& services);
void AddExchangeRoutes(Router& router, Services& services);
void AddDevicesRoutes(Router& router, Services& services);
void AddTracingRoutes(Router& router, Services& services);
void AddTracingCompanionRoutes(Router& router, Services& services);

}  // namespace lifeline
