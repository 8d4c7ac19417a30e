return Spinodoid.Cli.SpinodoidApp.Run(args);
