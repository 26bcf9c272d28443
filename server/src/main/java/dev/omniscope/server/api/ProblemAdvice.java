package dev.omniscope.server.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/**
 * The one place where an exception no service turned into a problem becomes one. Spring's own
 * problem-details handler (order 0) answers the {@link ErrorResponseException}s that services throw
 * ({@link Problems}) and Spring's request errors; what reaches this advice (it comes last) is
 * unexpected: a full disk or a database short of a resource is a 507 or 503
 * ({@link Problems#insufficientResources}), anything else a 500 whose detail names nothing of the
 * server (the exception goes to the log).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemAdvice {
    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> unexpected(Exception e, ServerWebExchange exchange) {
        ErrorResponseException problem = e instanceof ErrorResponseException known ? known : Problems.insufficientResources(e);
        if (problem == null) {
            log.error("{} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), e);
            problem = Problems.internal();
        } else if (!(e instanceof ErrorResponseException)) {
            log.warn("{} {}: {} ({})", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), problem.getBody().getTitle(), e.toString());
        }
        ProblemDetail body = problem.getBody();
        if (body.getInstance() == null) body.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders()).body(body);
    }
}
