package io.sentinelpager.platform.service;

/** Builds one service from the shared context; each service module exposes one, e.g. {@code EnrichApp::create}. */
@FunctionalInterface
public interface ServiceFactory {
    Service create(ServiceContext context);
}
