package io.sentinelpager.azure;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Every log event at DEBUG of the client side while open (our code, azure-core, azure-identity, MSAL,
 * the Graph SDK, OkHttp; the test configuration silences some), rendered with its stack trace, so a
 * test can search all of it for a secret. The emulator's Jetty stays at its level: at DEBUG it dumps
 * the raw request headers it receives, as any web server would, and it plays Azure's side.
 */
final class CapturedLogs implements AutoCloseable {

    private static final List<String> LOUD = List.of("com.azure", "com.microsoft",
            "com.microsoft.aad.msal4j", "okhttp3", "io.sentinelpager");

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<String, Level> previous = new HashMap<>();

    CapturedLogs() {
        appender.setContext(context);
        appender.start();
        for (String name : LOUD) {
            Logger logger = context.getLogger(name);
            previous.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
            // logback-test.xml sends the libraries to its file only (not additive): listen there too.
            if (!logger.isAdditive()) {
                logger.addAppender(appender);
            }
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    /** Every captured line, message and stack trace. */
    String text() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : List.copyOf(appender.list)) {
            text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                    .append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                text.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
        }
        return text.toString();
    }

    int lines() {
        return appender.list.size();
    }

    @Override
    public void close() {
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        LOUD.forEach(name -> context.getLogger(name).detachAppender(appender));
        previous.forEach((name, level) -> context.getLogger(name).setLevel(level));
        appender.stop();
    }
}
