using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Sideye.QueryServer.Errors;

namespace Sideye.QueryServer.Api;

/// <summary>
/// The one place exceptions become HTTP answers: each known failure gets its status and an RFC 7807
/// problem document; anything else stays a 500 from the exception handler middleware.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status499ClientClosedRequest; // nobody reads it; keeps logs honest
            return true;
        }
        ProblemDetails? problem = exception switch
        {
            SnapshotNotFoundException e => Problem(StatusCodes.Status404NotFound, "Snapshot not found", e.Message),
            StackNotFoundException e => Problem(StatusCodes.Status404NotFound, "Stack not found", e.Message),
            SourceUnavailableException e => Problem(e.Status, "Source not shown", e.Message),
            SnapshotTableNotFoundException e => Problem(StatusCodes.Status404NotFound, "Table not found", e.Message),
            QueryRejectedException e => Problem(StatusCodes.Status400BadRequest, e.Title, e.Message),
            QueryTimeoutException e => Problem(StatusCodes.Status504GatewayTimeout, "Query timed out", e.Message),
            ServerBusyException e => Problem(StatusCodes.Status503ServiceUnavailable, "Server busy", e.Message),
            BadHttpRequestException e => Problem(e.StatusCode, "Bad request", e.Message),
            SpecRejectedException e => SpecProblem(e),
            Capture.SnapshotCaptureException e => Problem(StatusCodes.Status400BadRequest, "Snapshot not taken", e.Message),
            _ => null,
        };
        if (problem is null)
            return false;
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (exception is ServerBusyException)
            context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }

    private static ProblemDetails SpecProblem(SpecRejectedException e)
    {
        ProblemDetails problem = Problem(StatusCodes.Status400BadRequest, "Invalid spec",
            e.Diagnostics.Count > 0 ? e.Diagnostics[0] : "The spec has errors.");
        problem.Extensions["diagnostics"] = e.Diagnostics;
        problem.Extensions["diagnostic_details"] = e.Details.Select(SpecDiagnosticInfo.From).ToList(); // as POST /api/spec/check shows them
        return problem;
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };
}
