package io.sentinelpager.emulator;

/**
 * One emulated operation, the unit of fault injection and of the request log.
 *
 * @param name       stable name such as {@code graph.alerts.list}; tests and the admin API use it
 * @param api        the API the route belongs to, which renders its errors
 * @param permission what the caller needs for it (a Graph application permission or an Azure role),
 *                   named in the 403 that {@link Faults#revoke(String)} makes the route answer
 */
record Route(String name, Api api, String permission) {
}
